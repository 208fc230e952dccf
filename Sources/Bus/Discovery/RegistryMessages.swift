/// Bodies of the registry's methods (PROTOCOL §4), shared by the registry and its clients.
public enum RegistryAPI {
    public static let defaultEndpoint = "tcp://127.0.0.1:7700"

    public struct Register: Codable, Sendable, Equatable {
        public var service: String
        public var instance: String
        public var rpc: String
        public var events: String?
        public var version: String
        public var ttl_ms: Int
        public var public_key: String?
        /// A secret the instance chose (16–128 printable ASCII characters) that its heartbeats,
        /// re-registrations and deregistration must repeat: in plain mode it is what makes the
        /// instance id its own. Never listed, never logged. In CURVE mode the caller's key does that.
        public var lease_token: String?

        public init(service: String, instance: String, rpc: String, events: String?, version: String,
                    ttl_ms: Int, public_key: String? = nil, lease_token: String? = nil) {
            self.service = service
            self.instance = instance
            self.rpc = rpc
            self.events = events
            self.version = version
            self.ttl_ms = ttl_ms
            self.public_key = public_key
            self.lease_token = lease_token
        }
    }

    public struct Lease: Codable, Sendable { public var lease_ms: Int; public init(lease_ms: Int) { self.lease_ms = lease_ms } }

    /// `registry.heartbeat` / `registry.deregister`: the instance and, when it registered with one,
    /// its lease token.
    public struct InstanceRef: Codable, Sendable {
        public var instance: String
        public var lease_token: String?
        public init(instance: String, lease_token: String? = nil) {
            self.instance = instance
            self.lease_token = lease_token
        }
    }

    public struct Lookup: Codable, Sendable { public var service: String; public init(service: String) { self.service = service } }

    /// One live instance as the registry reports it.
    public struct Instance: Codable, Sendable, Equatable, Hashable {
        public var service: String
        public var instance: String
        public var rpc: String
        public var events: String?
        public var version: String
        /// When it registered, RFC 3339.
        public var since: String
        public var public_key: String?

        public init(service: String, instance: String, rpc: String, events: String?, version: String, since: String, public_key: String?) {
            self.service = service
            self.instance = instance
            self.rpc = rpc
            self.events = events
            self.version = version
            self.since = since
            self.public_key = public_key
        }
    }

    public struct Instances: Codable, Sendable { public var instances: [Instance]; public init(instances: [Instance]) { self.instances = instances } }

    /// Data of `registry.instance_up` / `registry.instance_down`.
    public struct InstanceEvent: Codable, Sendable, Equatable {
        public var service: String
        public var instance: String
        public var rpc: String
        public var events: String?
        public var version: String
        public var reason: String?

        public init(service: String, instance: String, rpc: String, events: String?, version: String, reason: String?) {
            self.service = service
            self.instance = instance
            self.rpc = rpc
            self.events = events
            self.version = version
            self.reason = reason
        }
    }
}
