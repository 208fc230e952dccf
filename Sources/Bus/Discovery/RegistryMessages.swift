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

        public init(service: String, instance: String, rpc: String, events: String?, version: String,
                    ttl_ms: Int, public_key: String? = nil) {
            self.service = service
            self.instance = instance
            self.rpc = rpc
            self.events = events
            self.version = version
            self.ttl_ms = ttl_ms
            self.public_key = public_key
        }
    }

    public struct Lease: Codable, Sendable { public var lease_ms: Int; public init(lease_ms: Int) { self.lease_ms = lease_ms } }

    public struct InstanceRef: Codable, Sendable { public var instance: String; public init(instance: String) { self.instance = instance } }

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
