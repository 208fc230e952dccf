/// Why a request was refused before it reached a handler. Every one of these ends the
/// connection: after a framing error nothing later on it can be trusted.
public enum HTTPRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line ended with LF alone, or contained a bare CR.
    case bareLineFeed
    /// Not `method SP target SP version`.
    case invalidRequestLine
    /// A method with characters outside `tchar`.
    case invalidMethod
    /// Not origin-form (`/path?query`): absolute-form, asterisk, fragment, raw space or non-ASCII, bad `%`.
    case invalidTarget
    /// Not `HTTP/<digit>.<digit>`.
    case invalidVersion
    /// Well formed, but not HTTP/1.0 or HTTP/1.1.
    case versionNotSupported
    case requestLineTooLong
    /// A field line starting with whitespace (obs-fold, or whitespace before the first field).
    case obsoleteLineFolding
    /// A field name empty or with characters outside `tchar`, or a line without a colon.
    case invalidFieldName
    /// Whitespace between a field name and its colon (a classic smuggling shape).
    case whitespaceBeforeColon
    /// NUL, CR, LF or another control character inside a field value.
    case invalidFieldValue
    case headerSectionTooLarge
    case tooManyHeaderFields
    /// An HTTP/1.1 request without `Host`.
    case missingHost
    case duplicateHost
    case invalidHost
    /// A `Content-Length` that is not one run of digits (sign, list, space, hex, empty).
    case invalidContentLength
    /// More than one `Content-Length` line.
    case duplicateContentLength
    /// Both `Transfer-Encoding` and `Content-Length`.
    case contentLengthWithTransferEncoding
    /// `Transfer-Encoding: chunked`: send the length instead.
    case chunkedNotAccepted
    /// A transfer coding list that cannot frame a request (chunked not last, or twice; bad token; HTTP/1.0).
    case invalidTransferEncoding
    /// A transfer coding the server does not implement (anything but chunked).
    case transferCodingNotImplemented
    case bodyTooLarge
    /// An `Expect` other than `100-continue`.
    case expectationFailed
    /// The head and body did not arrive within the request timeout (set by the server, not the parser).
    case requestTimeout

    /// The status the server answers with before closing.
    public var status: HTTPStatus {
        switch self {
        case .versionNotSupported: .httpVersionNotSupported
        case .requestLineTooLong: .uriTooLong
        case .headerSectionTooLarge, .tooManyHeaderFields: .requestHeaderFieldsTooLarge
        case .chunkedNotAccepted: .lengthRequired
        case .transferCodingNotImplemented: .notImplemented
        case .bodyTooLarge: .contentTooLarge
        case .expectationFailed: .expectationFailed
        case .requestTimeout: .requestTimeout
        default: .badRequest
        }
    }

    public var description: String { "\(status.code): \(self.name)" }

    private var name: String {
        switch self {
        case .bareLineFeed: "line not ended by CRLF"
        case .invalidRequestLine: "malformed request line"
        case .invalidMethod: "malformed method"
        case .invalidTarget: "target not in origin-form"
        case .invalidVersion: "malformed HTTP version"
        case .versionNotSupported: "HTTP version not supported"
        case .requestLineTooLong: "request line too long"
        case .obsoleteLineFolding: "field line starts with whitespace"
        case .invalidFieldName: "malformed field name"
        case .whitespaceBeforeColon: "whitespace before colon"
        case .invalidFieldValue: "control character in field value"
        case .headerSectionTooLarge: "header section too large"
        case .tooManyHeaderFields: "too many header fields"
        case .missingHost: "missing Host"
        case .duplicateHost: "more than one Host"
        case .invalidHost: "malformed Host"
        case .invalidContentLength: "malformed Content-Length"
        case .duplicateContentLength: "more than one Content-Length"
        case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding"
        case .chunkedNotAccepted: "chunked body: send Content-Length"
        case .invalidTransferEncoding: "unusable Transfer-Encoding"
        case .transferCodingNotImplemented: "transfer coding not implemented"
        case .bodyTooLarge: "body too large"
        case .expectationFailed: "unsupported expectation"
        case .requestTimeout: "request not received in time"
        }
    }
}
