#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// 1 GiB: `--max-model-size`'s default.
package let defaultMaxModelSize = 1 << 30

/// The bytes of a model file, refused before anything is read when it is not a regular file or is larger
/// than `maxSize` (the size comes from fstat on the open descriptor, so the file checked is the file read).
///
/// A file that grows while it is read is refused rather than read past its checked size.
package func readModelFile(_ path: String, maxSize: Int) throws(ModelLoadError) -> [UInt8] {
    func fail(_ problem: String) -> ModelLoadError { ModelLoadError(file: path, problem: problem) }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw fail("unreadable: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw fail("unreadable: \(String(cString: strerror(errno)))") }
    guard info.st_mode & S_IFMT == S_IFREG else {
        throw fail(
            info.st_mode & S_IFMT == S_IFDIR ? "unreadable: a directory, not a file" : "unreadable: not a regular file")
    }
    let size = Int(info.st_size)
    guard size <= maxSize else {
        throw fail("the file is \(size) bytes, over --max-model-size (\(maxSize))")
    }
    // One byte more than the size, so that a file that grew is noticed.
    var bytes = [UInt8](repeating: 0, count: size + 1)
    var filled = 0
    while filled < bytes.count {
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
        if n < 0 {
            if errno == EINTR { continue }
            throw fail("unreadable: \(String(cString: strerror(errno)))")
        }
        if n == 0 { break }
        filled += n
    }
    guard filled <= size else { throw fail("unreadable: the file grew while it was read") }
    bytes.removeLast(bytes.count - filled)
    return bytes
}

/// The model in a file.
package func loadModelFile(
    _ path: String, fallbackName: String, version: Int = 1, nameIsFixed: Bool = false, maxSize: Int
) throws(ModelLoadError) -> Model {
    let bytes = try readModelFile(path, maxSize: maxSize)
    return try decodeModel(
        bytes, file: path, fallbackName: fallbackName, version: version, nameIsFixed: nameIsFixed)
}

/// What a directory entry is, for the model-folder layouts.
enum EntryType { case file, directory, other }

/// The names in `path` (no `.` or `..`), sorted, with their types (symbolic links followed).
func listDirectory(_ path: String) throws(ModelLoadError) -> [(name: String, type: EntryType)] {
    guard let dir = opendir(path) else {
        throw ModelLoadError(file: path, problem: "unreadable: \(String(cString: strerror(errno)))")
    }
    defer { closedir(dir) }
    var entries: [(name: String, type: EntryType)] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name == "." || name == ".." { continue }
        var info = stat()
        let type: EntryType
        if stat(path + "/" + name, &info) != 0 {
            type = .other
        } else {
            switch info.st_mode & S_IFMT {
            case S_IFREG: type = .file
            case S_IFDIR: type = .directory
            default: type = .other
            }
        }
        entries.append((name, type))
    }
    return entries.sorted { $0.name < $1.name }
}
