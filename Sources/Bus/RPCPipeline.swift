import Support

/// One request of a pipeline.
public struct PipelinedRequest: Sendable {
    public var method: String
    public var metadata: RequestMetadata
    public var body: [UInt8]
    public var attachments: [[UInt8]]

    public init(method: String, metadata: RequestMetadata = RequestMetadata(), body: [UInt8], attachments: [[UInt8]] = []) {
        self.method = method
        self.metadata = metadata
        self.body = body
        self.attachments = attachments
    }
}

extension RPCClient {
    /// Sends many requests to one endpoint keeping at most `window` in flight, and returns every
    /// result in request order. The caller is suspended once for the whole batch, and the I/O
    /// loop sends the next request as each reply arrives: the cheapest way to move many calls
    /// (fan-outs, bulk lookups, replays). Each request has its own `timeout` from its sending;
    /// one failing does not stop the others.
    nonisolated(nonsending) public func pipeline(to endpoint: String, _ requests: [PipelinedRequest], window: Int = 200,
                                                 timeout: Duration = .seconds(5)) async -> [Result<Outcome, RPCError>] {
        guard !requests.isEmpty else { return [] }
        let window = max(1, window)
        return await withCheckedContinuation { continuation in
            onLoop { client in
                let pipeline = Pipeline(endpoint: endpoint, requests: requests, timeout: timeout, continuation: continuation)
                client.pipelineStart(pipeline, window: window)
            }
        }
    }

    func pipelineStart(_ pipeline: Pipeline, window: Int) {
        for _ in 0..<min(window, pipeline.requests.count) { pipelineSendNext(pipeline) }
    }

    func pipelineCompleted(_ pipeline: Pipeline, _ index: Int, _ result: Result<Outcome, RPCError>) {
        pipeline.record(index, result)
        pipelineSendNext(pipeline)
    }

    /// Sends the next request not yet sent (skipping, with their failure, those that cannot be),
    /// and hands the results over once every request has one.
    private func pipelineSendNext(_ pipeline: Pipeline) {
        while pipeline.nextIndex < pipeline.requests.count {
            let index = pipeline.nextIndex, next = pipeline.requests[index]
            pipeline.nextIndex += 1
            let request = makeRequest(to: pipeline.endpoint, method: next.method, encodedMetadata: pipeline.frame(next.metadata),
                                      body: next.body, attachments: next.attachments)
            guard let failure = dispatch(request, budget: pipeline.timeout.nanoseconds, waiter: .pipeline(pipeline, index: index)) else {
                return
            }
            pipeline.record(index, .failure(failure))
        }
        pipeline.finishIfDone()
    }
}

/// A batch of requests in flight, owned by its client's I/O loop.
final class Pipeline {
    let endpoint: String
    /// Built into frames one by one as they are sent: no batch-sized copy of every frame.
    let requests: [PipelinedRequest]
    let timeout: Duration
    let continuation: CheckedContinuation<[Result<Outcome, RPCError>], Never>
    var results: [Result<Outcome, RPCError>?]
    var nextIndex = 0
    private var remaining: Int
    private var finished = false

    init(endpoint: String, requests: [PipelinedRequest], timeout: Duration,
         continuation: CheckedContinuation<[Result<Outcome, RPCError>], Never>) {
        self.endpoint = endpoint
        self.requests = requests
        self.timeout = timeout
        self.continuation = continuation
        results = Array(repeating: nil, count: requests.count)
        remaining = requests.count
    }

    private var lastMetadata: (RequestMetadata, [UInt8])?

    /// Frame 4 of a request, written once for a run of requests with equal metadata.
    func frame(_ metadata: RequestMetadata) -> [UInt8] {
        if let (previous, bytes) = lastMetadata, previous == metadata { return bytes }
        let bytes = RPCClient.frame(metadata, timeout: timeout)
        lastMetadata = (metadata, bytes)
        return bytes
    }

    func record(_ index: Int, _ result: Result<Outcome, RPCError>) {
        results[index] = result
        remaining -= 1
    }

    func finishIfDone() {
        guard remaining == 0, !finished else { return }
        finished = true
        continuation.resume(returning: results.map { $0 ?? .failure(RPCError(.internal, "no result")) })
    }
}
