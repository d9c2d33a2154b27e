import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An XML document read by Foundation's `XMLParser` (libxml2 underneath), an independent check that a
/// document is well-formed: `XMLTree.parse` returns nil for any document libxml2 refuses.
package final class XMLTree {
    package let name: String
    package let attributes: [String: String]
    package fileprivate(set) var children: [XMLTree] = []
    /// The character data directly inside this element.
    package fileprivate(set) var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The document's root element, or nil when `bytes` is not well-formed XML.
    package static func parse(_ bytes: [UInt8]) -> XMLTree? {
        let parser = XMLParser(data: Data(bytes))
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), builder.failed == false else { return nil }
        return builder.root
    }

    /// This element and every element under it, in document order.
    package var all: [XMLTree] { [self] + children.flatMap(\.all) }

    /// The elements under this one (itself included) with this name and, when given, this `class`.
    package func elements(_ name: String, class className: String? = nil) -> [XMLTree] {
        all.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLTree?
        var stack: [XMLTree] = []
        var failed = false

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            let element = XMLTree(name: elementName, attributes: attributeDict)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
        ) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { failed = true }
    }
}
