import ArgumentParser
import Foundation

struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the dashboard in the default browser, or print its address.")

    @Option(name: .long, help: "The daemon's port.")
    var port: Int = 8420

    @Flag(name: .long, help: "Only print the address.")
    var printOnly = false

    func run() throws {
        let url = "http://127.0.0.1:\(port)/"
        let environment = ProcessInfo.processInfo.environment
        let graphical = environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil
        let opener = "/usr/bin/xdg-open"
        if !printOnly, graphical, FileManager.default.isExecutableFile(atPath: opener) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: opener)
            process.arguments = [url]
            if (try? process.run()) != nil {
                print("opened \(url)")
                return
            }
        }
        print(url)
    }
}
