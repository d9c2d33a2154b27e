import Foundation
import Playground
import Testing

/// The page must keep working under `Content-Security-Policy: default-src 'self'` and load nothing from
/// elsewhere: these read the embedded files for what that policy would block.
@Suite struct PlaygroundTests {
    static func text(_ file: Playground.File) -> String { String(decoding: file.bytes, as: UTF8.self) }
    static var html: String { text(Playground.page) }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range, in: text)!])
        }
    }

    @Test func everyFileIsEmbeddedWithItsType() {
        #expect(
            Playground.files.map(\.path) == [
                "/", "/playground/playground.css", "/playground/playground.js", "/playground/icon.svg",
            ])
        #expect(Playground.files.allSatisfy { !$0.bytes.isEmpty })
        #expect(Playground.page.contentType == "text/html; charset=utf-8")
        #expect(Playground.contentSecurityPolicy == "default-src 'self'")
    }

    @Test func pageHasNoInlineScriptOrStyle() {
        // Every <script> has a src and no content; no <style> element, style attribute or on* handler.
        let scripts = Self.matches(#"<script\b[^>]*>[^<]*</script>"#, in: Self.html)
        #expect(scripts == [#"<script src="/playground/playground.js" defer></script>"#])
        #expect(Self.matches(#"<style\b"#, in: Self.html).isEmpty)
        #expect(Self.matches(#"\sstyle\s*="#, in: Self.html).isEmpty)
        #expect(Self.matches(#"\son[a-z]+\s*="#, in: Self.html).isEmpty)
        #expect(Self.matches(#"javascript:"#, in: Self.html).isEmpty)
    }

    @Test func pageLoadsOnlyFromItsOwnOrigin() {
        let references = Self.matches(#"\s(?:src|href)="[^"]*""#, in: Self.html).map {
            $0.split(separator: "\"")[1]
        }
        #expect(!references.isEmpty)
        let served = Set(Playground.files.map(\.path) + ["/openapi.yaml"])
        for reference in references {
            #expect(served.contains(String(reference)), "\(reference) is not a path this server answers")
        }
        for file in Playground.files {
            #expect(
                Self.matches(#"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}"#, in: Self.text(file)).filter {
                    !$0.hasSuffix("www.w3.org")
                }.isEmpty, "\(file.path) names another origin")
        }
    }

    /// The script never turns text into markup or code: labels are whatever the user typed.
    @Test func scriptWritesTextNotMarkup() {
        let script = Self.text(Playground.assets[1])
        for risky in [
            "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
            "setAttribute(\"style\"",
        ] {
            #expect(!script.contains(risky), "playground.js uses \(risky)")
        }
        // setTimeout with a string is eval too.
        #expect(Self.matches(#"setTimeout\(\s*["'`]"#, in: script).isEmpty)
    }

    @Test func pageDefaultsToTheSeedsLogits() {
        #expect(Self.html.contains(">0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337</textarea>"))
    }

    @Test func everyControlHasALabel() {
        let ids = Self.matches(#"<(?:input|textarea)\b[^>]*\sid="([^"]+)""#, in: Self.html).map {
            String($0.split(separator: "id=\"")[1].dropLast())
        }
        #expect(ids.sorted() == ["labels", "logits", "temperature", "threshold", "top-k"])
        for id in ids {
            #expect(Self.html.contains("<label for=\"\(id)\">"), "no <label for=\"\(id)\">")
        }
        // The two radios are labelled by their own <label> and grouped under a legend.
        #expect(Self.matches(#"<label><input type="radio" name="activation""#, in: Self.html).count == 2)
        #expect(Self.html.contains("<legend>Activation</legend>"))
    }
}
