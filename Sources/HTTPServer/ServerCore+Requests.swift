import Support

/// Requests in, responses out: parsing, handing requests to the handler, writing the answers in
/// request order, and the Server-Sent Events streams that take a connection over.
extension ServerCore {
    /// Takes the complete requests buffered on `connection`; true when it took or refused one.
    func takeRequests(_ connection: Connection) -> Bool {
        var took = false
        while acceptsRequests(connection) {
            let request: HTTPRequest?
            do {
                request = try connection.parser.next()
            } catch {
                refuse(connection, error)
                return true
            }
            guard let request else {
                if connection.responsesDue == 0 && connection.parser.shouldSendContinue() {
                    connection.output.append(HTTPResponseWriter.continueHead)
                }
                break
            }
            took = true
            connection.tookRequest = true
            connection.requestStarted = 0
            dispatch(request, on: connection)
        }
        if connection.parser.isIdle {
            connection.requestStarted = 0
        } else if connection.requestStarted == 0 {
            connection.requestStarted = now
        }
        return took
    }

    private func dispatch(_ request: HTTPRequest, on connection: Connection) {
        counters.requests += 1
        var request = request
        request.remoteAddress = connection.remoteAddress
        let keepAlive = request.keepAlive && drain == nil
        if !keepAlive { connection.stopParsing = true }
        let sequence = connection.owe(DueResponse(isHead: request.method == "HEAD", keepAlive: keepAlive, version: request.version))
        Self.spawn(handler, for: request, core: self, token: connection.token, sequence: sequence, execution: configuration.handlerExecution)
    }

    /// One task per request (none per connection), outside the actor: the handler runs where the
    /// configuration says, and its response comes back to the loop.
    private nonisolated static func spawn(_ handler: @escaping HTTPServer.Handler, for request: HTTPRequest, core: ServerCore,
                                          token: UInt64, sequence: UInt32, execution: HTTPServer.HandlerExecution) {
        let executor: (any TaskExecutor)? = switch execution {
        case .concurrent: nil
        case .onLoop: core.loop
        case .on(let executor): executor
        }
        Task(executorPreference: executor) {
            let response = await handler(request)
            core.deliver(response, token: token, sequence: sequence)
        }
    }

    nonisolated func deliver(_ response: HTTPResponse, token: UInt64, sequence: UInt32) {
        if loop.isCurrent {
            assumeIsolated { $0.complete(response, token: token, sequence: sequence) }
        } else {
            loop.execute { [self] in assumeIsolated { $0.complete(response, token: token, sequence: sequence) } }
        }
    }

    private func complete(_ response: HTTPResponse, token: UInt64, sequence: UInt32) {
        now = EventLoop.now()
        guard let connection = connection(for: token), connection.fill(sequence, with: response) else {
            counters.responsesDropped += 1  // the client went away, or a stream took the connection over
            return
        }
        pump(connection)
    }

    /// A request that cannot be taken: its error status after the responses already owed, then
    /// close. The caller pumps the connection.
    func refuse(_ connection: Connection, _ error: HTTPRequestError) {
        if error == .requestTimeout { counters.requestTimeouts += 1 } else { counters.requestErrors += 1 }
        configuration.logger?.debug("http: request refused", ["status": .number(Double(error.status.code)), "reason": .string("\(error)")])
        connection.stopParsing = true
        connection.requestStarted = 0
        let sequence = connection.owe(DueResponse(isHead: false, keepAlive: false, version: .http1_1))
        _ = connection.fill(sequence, with: .plain(error.status))
    }

    /// Moves responses whose turn has come into the output; true when one moved.
    func writeReadyResponses(_ connection: Connection) -> Bool {
        var moved = false
        while connection.stream == nil, !connection.closeAfterWrite, let (due, response) = connection.takeReady() {
            moved = true
            write(response, for: due, on: connection)
        }
        return moved
    }

    private func write(_ response: HTTPResponse, for due: DueResponse, on connection: Connection) {
        let head: [UInt8]
        do {
            head = try HTTPResponseWriter.head(response, keepAlive: due.keepAlive, version: due.version, date: date)
        } catch {
            configuration.logger?.error("http: handler response not writable, sent 500", ["error": .string("\(error)")])
            write(.plain(.internalServerError), for: due, on: connection)
            return
        }
        counters.recordResponse(response.status)
        connection.output.append(head)
        switch response.body {
        case .bytes(let body):
            if !due.isHead && !response.status.forbidsContent { connection.output.append(body) }
            if !due.keepAlive {
                connection.stopParsing = true
                connection.closeAfterWrite = true
            }
        case .eventStream(let onOpen):
            connection.stopParsing = true
            connection.forgetDue()
            if due.isHead {
                connection.closeAfterWrite = true
            } else {
                openStream(on: connection, onOpen)
            }
        }
    }

    private func openStream(on connection: Connection, _ onOpen: @Sendable (EventStream) -> Void) {
        let stream = EventStream(token: connection.token, sink: self)
        connection.stream = stream
        connection.parser = HTTPRequestParser(limits: configuration.limits)  // frees what it held
        connection.requestStarted = 0
        connection.lastActivity = now
        counters.eventStreamsOpened += 1
        counters.eventStreamsOpen += 1
        flush(connection)
        onOpen(stream)
    }

    /// Queues `bytes` on a stream, or drops the stream if its client reads too slowly.
    private func push(_ bytes: [UInt8], token: UInt64) {
        guard let connection = connection(for: token), connection.stream != nil, !connection.closeAfterWrite else { return }
        if connection.output.byteCount + bytes.count > configuration.maxStreamBacklogBytes {
            counters.eventStreamsTooSlow += 1
            close(connection, .tooSlow)
            return
        }
        counters.eventsSent += 1
        connection.output.append(bytes)
        flush(connection)
    }

    /// Ends a stream at the application's request, after what is queued.
    private func endStream(token: UInt64) {
        guard let connection = connection(for: token), let stream = connection.stream else { return }
        connection.stream = nil
        counters.eventStreamsOpen -= 1
        connection.closeAfterWrite = true
        stream.finish(.closed)
        pump(connection)
    }
}

extension ServerCore: EventStreamSink {
    nonisolated func streamWrite(_ bytes: [UInt8], tokens: [UInt64]) {
        loop.execute { [self] in
            assumeIsolated { core in
                core.now = EventLoop.now()
                for token in tokens { core.push(bytes, token: token) }
            }
        }
    }

    nonisolated func streamClose(token: UInt64) {
        loop.execute { [self] in
            assumeIsolated { core in
                core.now = EventLoop.now()
                core.endStream(token: token)
            }
        }
    }
}
