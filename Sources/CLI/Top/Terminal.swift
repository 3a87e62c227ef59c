import Glibc

/// The controlling terminal in raw mode for a full-screen view: no echo, keys delivered one by
/// one, the alternate screen, hidden cursor. `restore()` puts everything back, and must run on
/// every way out.
final class Terminal: @unchecked Sendable {
    // Safety: used from one task at a time (the top loop); `restore` is idempotent.
    private var original = termios()
    private var active = false

    func enterRawMode() {
        guard isatty(STDIN_FILENO) != 0, tcgetattr(STDIN_FILENO, &original) == 0 else { return }
        var raw = original
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        active = true
        write("\u{1B}[?1049h\u{1B}[?25l")
    }

    func restore() {
        guard active else { return }
        active = false
        tcsetattr(STDIN_FILENO, TCSANOW, &original)
        write("\u{1B}[?25h\u{1B}[?1049l")
    }

    /// Columns and rows, or 100×30 when not a terminal.
    var size: (width: Int, height: Int) {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        return (100, 30)
    }

    /// A key pressed since the last call, if any (non-blocking).
    func readKey() -> UInt8? {
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }

    func draw(_ lines: [String]) {
        var frame = "\u{1B}[H"
        for line in lines { frame += line + "\u{1B}[K\r\n" }
        frame += "\u{1B}[J"
        write(frame)
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(STDOUT_FILENO, bytes.baseAddress, bytes.count) }
    }
}
