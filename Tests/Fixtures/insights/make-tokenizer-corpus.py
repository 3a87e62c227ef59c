#!/usr/bin/env python3
"""Writes tokenizer-corpus.json: varied texts with the token ids tiktoken gives them.

Run offline against the shipped vocabularies:
    mkdir -p /tmp/tiktoken-cache
    cp Sources/Insights/Resources/o200k_base.tiktoken  /tmp/tiktoken-cache/fb374d419588a4632f3f557e76b4b70aebbca790
    cp Sources/Insights/Resources/cl100k_base.tiktoken /tmp/tiktoken-cache/9b5ad71b2ce5302211f9c61530b329a4922fc6a4
    TIKTOKEN_CACHE_DIR=/tmp/tiktoken-cache python3 Tests/Fixtures/insights/make-tokenizer-corpus.py
The random cases use a fixed seed, so the file is reproducible for a given tiktoken version.
"""
import json
import os
import random

import tiktoken

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = {
    "empty": "",
    "single-space": " ",
    "single-letter": "a",
    "hello": "Hello, world!",
    "prose": (
        "The quick brown fox jumps over the lazy dog. Meanwhile, the committee's report—"
        "delayed twice—finally arrived on Tuesday. It recommended three changes: simplify the "
        "onboarding flow, reduce latency by 40%, and re-evaluate vendor contracts before Q3.\n\n"
        "\"We can't keep shipping features nobody asked for,\" she said. 'I'd rather we fix what's broken.'"
    ),
    "contractions": "I'M sure THEY'LL say it's fine, we'VE seen you'D and he'S; O'Reilly's isn't ours.",
    "long-s-contraction": "it'ſ odd 'S 'ſ",
    "swift-code": (
        "import Foundation\n\n"
        "/// Sums the values.\n"
        "func total(of values: [Int]) -> Int {\n"
        "    var sum = 0\n"
        "    for value in values where value > 0 {\n"
        "        sum += value  // skip negatives\n"
        "    }\n"
        "    return sum\n"
        "}\n\n"
        "let result = total(of: [1, -2, 3, 42_000])\n"
        "print(\"result: \\(result)\")\n"
    ),
    "python-code": (
        "def fib(n: int) -> int:\n"
        "\tif n < 2:\n"
        "\t\treturn n\n"
        "\treturn fib(n - 1) + fib(n - 2)\n\n\n"
        "class Cache(dict):\n"
        "    def __missing__(self, key):\n"
        "        self[key] = value = fib(key)\n"
        "        return value\r\n"
        "if __name__ == '__main__':\n"
        "    print([fib(i) for i in range(10)])  # 0 1 1 2 3 5 8 13 21 34\n"
    ),
    "javascript": "const xs = [1,2,3].map((x) => x ** 2).filter(x => x !== 4); /* => [1, 9] */ export default {xs};",
    "json": json.dumps({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Summarise: {\"a\": [1, 2.5, -3e10], \"b\": null, \"c\": true}"},
        ],
        "temperature": 0.2,
        "max_tokens": 512,
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
    }, indent=2),
    "json-compact": '{"id":"chatcmpl-9x8Y7z","object":"chat.completion","created":1718000000,"usage":{"prompt_tokens":1234,"completion_tokens":56}}',
    "emoji": "Launch 🚀🚀🚀! Family: 👨‍👩‍👧‍👦, thumbs 👍🏽👍🏿, flags 🇫🇷🇯🇵🇺🇸, keycap 1️⃣, heart ❤️‍🔥 — done ✅✅",
    "chinese": "机器学习是人工智能的一个分支。它使计算机能够从数据中学习，而无需明确编程。",
    "japanese": "東京は日本の首都です。カタカナとひらがな、そして漢字を混ぜて書きます。ｈａｌｆｗｉｄｔｈ ｶﾀｶﾅ",
    "korean": "안녕하세요! 오늘 날씨가 정말 좋네요. 토큰화는 어렵습니다.",
    "arabic-hebrew": "مرحبا بالعالم، هذا نص عربي. שלום עולם, זה טקסט בעברית.",
    "devanagari": "नमस्ते दुनिया! यह एक परीक्षण वाक्य है। क्षत्रिय ज्ञान",
    "cyrillic-greek": "Привет, мир! Съешь же ещё этих мягких французских булок. Γειά σου Κόσμε ΑΒΓ αβγ.",
    "thai-vietnamese": "สวัสดีครับ ภาษาไทยไม่มีช่องว่าง Tiếng Việt có dấu: Nguyễn Thị Minh Khai",
    "combining-marks": "e\u0301 a\u0300\u0301\u0302 \u0301\u0301 alone: \u0308x Z\u0351\u0352\u0353",
    "whitespace-runs": "a  b   c    d\t\te\t \tf\n\ng\n\n\n\nh \n \n i   \n\n   j        ",
    "trailing-spaces": "line one   \nline two\t\t\nline three    \n    ",
    "crlf": "first\r\nsecond\r\n\r\nthird\r\r\n  \r\n",
    "only-newlines": "\n\n\n\n\n",
    "only-spaces": "                                ",
    "leading-spaces": "      indented text\n        more",
    "unicode-spaces": "a\u00a0b\u2003c\u3000d\u2028e\u2029f\u0085g\u200bh\u180ei\u202fj \u00a0 k",
    "numbers": "1 12 123 1234 12345 123456789012345 3.14159 -0.5 1,000,000 1e-9 0x1F 2024-05-13 12:30:45 ٣٤٥ ½ ² Ⅻ",
    "digits-long": "31415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679",
    "punctuation": "!!! ??? ... --- === *** ### @@@ $$$ %%% ^^^ &&& ((( ))) [[[ ]]] {{{ }}} <<< >>> /// \\\\\\ ||| ~~~ ``` ''' \"\"\"",
    "punctuation-newlines": "end.\n\n--\n//\n/\n\n*/\n",
    "url-email": "See https://example.com/path/to/page?query=a%20b&x=1#frag or mail jane.doe+tag@example.co.uk.",
    "markdown": "# Title\n\n## Section 1\n\n- item one\n- item **two**\n  - nested `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quote\n\n```python\nprint('hi')\n```\n",
    "base64-blob": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "hex-and-hashes": "sha256: 446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d uuid 123e4567-e89b-12d3-a456-426614174000",
    "special-token-text": "before <|endoftext|> middle <|endofprompt|> after <|fim_prefix|><|im_start|>",
    "mixed-scripts": "Café naïve résumé coöperate — Zürich, São Paulo, Kraków, İstanbul, ǅemal, ŉ, ﬁnance",
    "camel-and-snake": "getHTTPResponseCode parseJSONToXMLConverter snake_case_name SCREAMING_SNAKE kebab-case-id iOS macOS",
    "titlecase-and-modifiers": "ǅ ǈ ǋ ǲ ʰʱʲ ᵃᵇᶜ ꜰ Ⓐⓑ 𝐀𝐁𝐂 𝒜ℬ ℓ",
    "math-symbols": "∀x∈ℝ: x²≥0 ⇒ √(x²)=|x| ∑ᵢ aᵢ ≈ ∫₀^∞ e^{-x}dx = 1 ≠ ∞ ± ∓ × ÷",
    "repeated-char-long": "a" * 3000,
    "repeated-words": "buffalo " * 200,
    "no-spaces-long": ("ThisIsAVeryLongIdentifierWithoutAnySpaces" * 40),
    "long-punctuation": "=" * 1000 + "\n" + "-*" * 400,
    "long-digits": "7" * 1001,
    "long-whitespace": " " * 500 + "x" + "\n" * 300 + "\t" * 200 + " \n" * 100,
    "html": "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>T</title></head><body><p class='x'>Hi &amp; bye</p></body></html>",
    "sql": "SELECT u.id, COUNT(*) AS n FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.created_at >= '2024-01-01' GROUP BY u.id HAVING n > 5;",
    "shell": "for f in *.log; do grep -E '^(ERROR|WARN)' \"$f\" | awk '{print $2}' >> out.txt; done && echo ok || exit 1",
    "regex-text": r"^\s*(?P<key>[A-Za-z_][\w.-]*)\s*=\s*(?P<value>\"[^\"]*\"|\S+)\s*(?:#.*)?$",
    "log-lines": "2024-06-01T12:00:00.123Z INFO  [main] server started port=8420\n2024-06-01T12:00:01.456Z WARN  [pool-3] slow query took 1532ms\n",
    "apostrophes-unicode": "it’s don’t they’re ‘quoted’ “double” l'été",
    "zero-width-joiners": "a\u200db\u200cc\ufeffd\u2060e",
    "private-use-and-rare": "\ue000\ue001 \U000f0000 \u0378 \U0001f9ff",
}


def random_cases(rng):
    """Strings drawn from mixed code point ranges, to hit boundaries no hand-written text does."""
    pools = [
        (0x20, 0x7E), (0x09, 0x0D), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
        (0x590, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF), (0x2000, 0x206F),
        (0x2190, 0x22FF), (0x3000, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAD00), (0xFF00, 0xFFEF),
        (0x1F300, 0x1F64F), (0x1F900, 0x1F9FF),
    ]
    cases = {}
    for index in range(60):
        length = rng.choice([5, 20, 80, 300])
        chars = []
        for _ in range(length):
            low, high = rng.choice(pools)
            if rng.random() < 0.35:
                chars.append(rng.choice([" ", " ", "\n", "  ", "\t", "'s", "'LL", "123", "."]))
            else:
                chars.append(chr(rng.randint(low, high)))
        cases[f"random-{index:02d}"] = "".join(chars)
    words = ["token", "the", "cost", "of", "API", "calls", "is", "measured", "per", "million", "tokens",
             "naïve", "데이터", "数据", "🙂", "42", "3.5", "-", "(", ")", "{", "}", ":", ",", "\n", "  "]
    for index in range(20):
        cases[f"random-words-{index:02d}"] = " ".join(rng.choice(words) for _ in range(rng.randint(10, 400)))
    return cases


def main():
    rng = random.Random(20240601)
    cases = dict(CASES)
    cases.update(random_cases(rng))
    encodings = {name: tiktoken.get_encoding(name) for name in ("o200k_base", "cl100k_base")}
    corpus = {
        "generator": "make-tokenizer-corpus.py",
        "tiktoken": tiktoken.__version__ if hasattr(tiktoken, "__version__") else "unknown",
        "cases": [
            {"name": name, "text": text, **{enc: encoding.encode_ordinary(text) for enc, encoding in encodings.items()}}
            for name, text in cases.items()
        ],
        "special": [
            {"name": "special-allowed", "text": CASES["special-token-text"],
             **{enc: encoding.encode(CASES["special-token-text"], allowed_special="all") for enc, encoding in encodings.items()}}
        ],
    }
    with open(os.path.join(HERE, "tokenizer-corpus.json"), "w", encoding="utf-8") as handle:
        # One case per line keeps the file small and its diffs readable.
        handle.write('{"generator": %s, "tiktoken": %s,\n' % (json.dumps(corpus["generator"]), json.dumps(corpus["tiktoken"])))
        for key in ("cases", "special"):
            lines = [json.dumps(case, ensure_ascii=False) for case in corpus[key]]
            handle.write(' "%s": [\n  %s\n ]%s\n' % (key, ",\n  ".join(lines), "," if key == "cases" else ""))
        handle.write("}\n")
    print(f"{len(corpus['cases'])} cases")


if __name__ == "__main__":
    main()
