import Foundation
import Synchronization
import TestKit
import Testing
import ZMQ

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// A fresh loop with a unique name (and so its own context: ZAP endpoints do not collide).
/// Names stay within Linux's 15-character thread names so the thread really carries it.
func freshLoop(_ label: String = #function) throws -> IOLoop {
    try IOLoop(name: "zt-\(label.prefix(3))-\(UUID().uuidString.prefix(6))")
}

/// Refusals reported by a ZAP handler.
struct Refusal: Sendable, Equatable {
    var address: String
    var key: String
    var reason: String
}

final class RefusalLog: Sendable {
    private let entries = Mutex<[Refusal]>([])
    var all: [Refusal] { entries.withLock { $0 } }
    func record(_ address: String, _ key: String, _ reason: String) {
        entries.withLock { $0.append(Refusal(address: address, key: key, reason: reason)) }
    }
}
