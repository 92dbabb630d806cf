package pgwire

import "testing"

// FuzzCopyParsers feeds arbitrary COPY data to the three parsers: rows or
// an error, never a panic or a hang.
func FuzzCopyParsers(f *testing.F) {
	f.Add([]byte("1\talice\t\\N\n2\tb\\tob\t\\x41\n\\.\n"), 3)
	f.Add([]byte("id,name\n3,\"carol, jr\"\n4,,\"\"\n"), 2)
	f.Add(append(append([]byte{}, binaryCopySignature...), 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 'x', 0xff, 0xff), 1)
	f.Fuzz(func(t *testing.T, data []byte, ncols int) {
		ncols = ncols%8 + 1
		if ncols < 1 {
			ncols = 1
		}
		_, _ = parseCopy(data, copyFormat{delimiter: '\t', null: `\N`, quote: '"', escape: '"'}, ncols)
		_, _ = parseCopy(data, copyFormat{csv: true, delimiter: ',', quote: '"', escape: '"', header: true}, ncols)
		_, _ = parseBinaryCopy(data, ncols)
	})
}
