import Testing
@testable import Sodium

@Suite struct Base64URLTests {
    @Test func knownVectors() {
        // RFC 4648 §10, without padding.
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
            ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        // The URL-safe alphabet: 62 is "-" (standard "+"), 63 is "_" (standard "/").
        #expect(Base64URL.encode([0xfb, 0xef, 0xbe]) == "----")
        #expect(Base64URL.encode([0xff, 0xff, 0xff]) == "____")
        #expect(Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
    }

    @Test func roundTripsRandomBytes() {
        for length in 0..<70 {
            let bytes = Random.bytes(length)
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
            #expect(Base64URL.decode(Array(text.utf8)[...]) == bytes)
        }
    }

    @Test func rejectsInvalidInput() {
        for bad in ["Zg==", "Zm9v+g", "Zm9v/g", "Zm 9v", "Zm9v\n", "Z", "Zm9vY", "é", "Zm9v.", "Zh"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct HexTests {
    @Test func roundTrips() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
        #expect(Hex.decode("000fabff") == [0x00, 0x0f, 0xab, 0xff])
        #expect(Hex.decode("000FABFF") == [0x00, 0x0f, 0xab, 0xff])
        #expect(Hex.decode("") == [])
        let bytes = Random.bytes(33)
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
    }

    @Test func rejectsInvalidInput() {
        for bad in ["0", "abc", "zz", "0g", " 00", "00 ", "0x00", "é0"] {
            #expect(Hex.decode(bad) == nil, "\(bad)")
        }
    }
}
