import Testing
@testable import Sodium

@Suite struct RandomTests {
    @Test func bytesHaveRequestedLength() {
        Sodium.initialize()
        Sodium.initialize()  // idempotent
        for n in [0, 1, 16, 32, 1000] {
            #expect(Random.bytes(n).count == n)
        }
        #expect(Random.bytes(-3).isEmpty)
    }

    @Test func bytesAreUnique() {
        let samples = Set((0..<200).map { _ in Random.bytes(16) })
        #expect(samples.count == 200)
    }

    @Test func uniformStaysInRange() {
        var seen = Set<UInt32>()
        for _ in 0..<2000 {
            let value = Random.uniform(10)
            #expect(value < 10)
            seen.insert(value)
        }
        #expect(seen.count == 10)
        #expect(Random.uniform(0) == 0)
        #expect(Random.uniform(1) == 0)
    }

    @Test func concurrentInitialisationIsSafe() async {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 { group.addTask { Random.bytes(8).count } }
            for await count in group { #expect(count == 8) }
        }
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex(Array("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([])
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash("abc").count == 32)
        #expect(SHA256.hash("abc") == SHA256.hash(Array("abc".utf8)))
    }
}

@Suite struct HMACSHA256Tests {
    /// RFC 4231 test case 1.
    @Test func rfc4231Case1() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let tag = HMACSHA256.authenticate(Array("Hi There".utf8), key: key)
        #expect(Hex.encode(tag) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(HMACSHA256.verify(tag, message: Array("Hi There".utf8), key: key))
        #expect(!HMACSHA256.verify(tag, message: Array("Hi there".utf8), key: key))
    }

    /// RFC 4231 test case 2 (a key shorter than 32 bytes).
    @Test func rfc4231Case2() {
        let tag = HMACSHA256.authenticate(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(Hex.encode(tag) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// RFC 4231 test case 6: a 131-byte key, longer than the block size.
    @Test func rfc4231Case6LongKey() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        #expect(Hex.encode(HMACSHA256.authenticate(message, key: key))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func emptyKeyAndMessage() {
        #expect(Hex.encode(HMACSHA256.authenticate([], key: []))
            == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}

@Suite struct ConstantTimeTests {
    @Test func comparesContentsAndLengths() {
        #expect(ConstantTime.equal([], []))
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equal([], [0]))
    }
}
