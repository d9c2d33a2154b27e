import LogitMath
import Testing

@Suite struct MatrixTests {
    @Test func rowMajorLayout() throws {
        let m = try Matrix(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.columns == 3)
        #expect(m.elements == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 0] == 4)
        #expect(Array(m.row(1)) == [4, 5, 6])
        #expect(m.arrays == [[1, 2, 3], [4, 5, 6]])
        #expect(try Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6]) == m)
    }

    @Test func refusesBadShapes() {
        #expect(throws: MathError.empty(path: [])) { try Matrix(rows: []) }
        #expect(throws: MathError.empty(path: [0])) { try Matrix(rows: [[], []]) }
        #expect(throws: MathError.empty(path: [1])) { try Matrix(rows: [[1], []]) }
        #expect(throws: MathError.raggedRow(row: 2, count: 3, expected: 2)) {
            try Matrix(rows: [[1, 2], [3, 4], [5, 6, 7]])
        }
        #expect(throws: MathError.elementCountMismatch(count: 5, rows: 2, columns: 3)) {
            try Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5])
        }
        #expect(throws: MathError.empty(path: [])) { try Matrix(rows: 0, columns: 3, elements: []) }
        #expect(throws: MathError.elementCountMismatch(count: 0, rows: Int.max, columns: 2)) {
            try Matrix(rows: Int.max, columns: 2, elements: [])
        }
    }
}
