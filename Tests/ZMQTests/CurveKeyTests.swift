import Testing
import ZMQ

@Suite struct Z85Tests {
    /// RFC 32's test vector.
    static let helloBytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]

    @Test func rfc32Vector() {
        #expect(Z85.encode(Self.helloBytes) == "HelloWorld")
        #expect(Z85.decode("HelloWorld") == Self.helloBytes)
    }

    @Test func emptyInputEncodesToEmptyText() {
        #expect(Z85.encode([]) == "")
    }

    @Test func roundTripsEveryByteValue() {
        let all = (0..<256).map { UInt8($0) }
        let encoded = Z85.encode(all)
        #expect(encoded?.count == 320)
        #expect(encoded.flatMap(Z85.decode) == all)
        #expect(Z85.encode([0, 0, 0, 0]) == "00000")
        #expect(Z85.encode([0xFF, 0xFF, 0xFF, 0xFF]) == "%nSc0")
    }

    @Test(arguments: [1, 2, 3, 5, 31, 33])
    func encodeRejectsLengthsNotMultipleOfFour(count: Int) {
        #expect(Z85.encode([UInt8](repeating: 7, count: count)) == nil)
    }

    @Test(arguments: ["H", "Hell", "HelloWorl", "HelloWorld!"])
    func decodeRejectsLengthsNotMultipleOfFive(text: String) {
        #expect(Z85.decode(text) == nil)
    }

    @Test(arguments: ["Hello~orld", "Hello\"orld", "Hello orld", "Hello,orld", "Hello_orld", "#####"])
    func decodeRejectsCharactersOutsideTheAlphabetAndOverflow(text: String) {
        #expect(Z85.decode(text) == nil)
    }
}

@Suite struct CurveKeyTests {
    // The key pairs of libzmq's zmq_curve(7) manual page.
    static let serverPublic = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
    static let serverSecret = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
    static let clientPublic = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
    static let clientSecret = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"

    @Test func parsesFortyCharacters() throws {
        let key = try #require(CurveKey(z85: Self.serverPublic))
        #expect(key.bytes.count == 32)
        #expect(key.z85 == Self.serverPublic)
        #expect(CurveKey(bytes: key.bytes) == key)
    }

    @Test(arguments: [0, 5, 35, 39, 41, 45, 80])
    func rejectsWrongTextLengths(length: Int) {
        let text = String(String(repeating: Self.serverPublic, count: 2).prefix(length))
        #expect(CurveKey(z85: text) == nil)
    }

    @Test func rejectsBadCharacters() {
        var text = Array(Self.serverPublic)
        text[10] = "~"
        #expect(CurveKey(z85: String(text)) == nil)
        #expect(CurveKey(z85: String(repeating: "#", count: 40)) == nil)
    }

    @Test(arguments: [0, 1, 16, 31, 33, 64])
    func rejectsWrongByteCounts(count: Int) {
        #expect(CurveKey(bytes: [UInt8](repeating: 1, count: count)) == nil)
    }

    @Test func derivesTheManualPagePublicKeys() throws {
        let serverSecret = try #require(CurveKey(z85: Self.serverSecret))
        let server = try #require(CurveKeyPair(secretKey: serverSecret))
        #expect(server.publicKey.z85 == Self.serverPublic)
        let clientSecret = try #require(CurveKey(z85: Self.clientSecret))
        let client = try #require(CurveKeyPair(secretKey: clientSecret))
        #expect(client.publicKey.z85 == Self.clientPublic)
    }

    @Test func generateAndDerive() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.bytes.count == 32 && pair.secretKey.bytes.count == 32)
        #expect(pair.publicKey != pair.secretKey)
        #expect(pair.publicKey.z85.count == 40 && pair.secretKey.z85.count == 40)
        let derived = try #require(CurveKeyPair(secretKey: pair.secretKey))
        #expect(derived == pair)
        #expect(CurveKey(z85: pair.secretKey.z85) == pair.secretKey)
    }

    @Test func generatedPairsAreDistinct() throws {
        let pairs = try (0..<50).map { _ in try CurveKeyPair.generate() }
        #expect(Set(pairs.map(\.publicKey)).count == 50)
        #expect(Set(pairs.map(\.secretKey)).count == 50)
    }

    @Test func descriptionDoesNotPrintTheWholeKey() throws {
        let pair = try CurveKeyPair.generate()
        #expect(!"\(pair.publicKey)".contains(pair.publicKey.z85))
        #expect(!"\(pair.secretKey)".contains(pair.secretKey.z85))
    }

    @Test
    func printingAPairShowsNothingOfTheSecretKey() throws {
        let pair = try CurveKeyPair.generate()
        let printed = "\(pair)" + String(describing: pair) + String(reflecting: pair)
        #expect(!printed.contains(String(pair.secretKey.z85.prefix(8))), "\(printed)")
    }

    @Test func curveIsAvailable() {
        #expect(zmqHas("curve"))
        let version = zmqVersion()
        #expect(version.major == 4 && version.minor >= 3)
    }
}
