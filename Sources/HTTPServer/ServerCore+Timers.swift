import Glibc

/// Time on the loop: timeouts, heartbeats, the `Date` value, and the graceful drain.
extension ServerCore {
    struct Drain {
        let deadline: UInt64
        let done: CheckedContinuation<Void, Never>
        var finishing = false
    }

    /// About every tick: each connection's deadlines, then the drain's progress.
    func tick() {
        now = EventLoop.now()
        refreshDate()
        resumeAccepting()
        for connection in openConnectionList { checkDeadlines(connection) }
        checkDrainProgress()
    }

    func refreshDate() {
        let second = Self.wallClockSecond()
        guard second != dateSecond else { return }
        dateSecond = second
        date = HTTPDate.format(secondsSince1970: second)
    }

    /// Seconds since 1970 (CLOCK_REALTIME), for the `Date` field only.
    static func wallClockSecond() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time.tv_sec
    }

    private func checkDeadlines(_ connection: Connection) {
        let quietFor = now - min(now, connection.lastActivity)
        switch connection.phase {
        case .closed:
            return
        case .lingering(let until):
            if now >= until { close(connection, .clientClosed) }
            return
        case .open:
            break
        }
        if connection.stream != nil {
            if !connection.output.isEmpty && quietFor > configuration.writeTimeout.nanoseconds {
                counters.eventStreamsTooSlow += 1
                close(connection, .tooSlow)
            } else if connection.output.isEmpty && quietFor >= configuration.heartbeatInterval.nanoseconds {
                counters.heartbeatsSent += 1
                connection.output.append(ServerSentEvent.heartbeat)
                connection.lastActivity = now
                flush(connection)
            }
        } else if !connection.output.isEmpty {
            if quietFor > configuration.writeTimeout.nanoseconds {
                counters.writeTimeouts += 1
                close(connection, .clientClosed)
            }
        } else if connection.requestStarted != 0 && acceptsRequests(connection) {
            if now - connection.requestStarted > configuration.requestTimeout.nanoseconds {
                refuse(connection, .requestTimeout)  // slowloris: the head and body have a deadline
                pump(connection)
            }
        } else if connection.isIdle {
            let limit = connection.tookRequest ? configuration.idleTimeout : configuration.requestTimeout
            if quietFor > limit.nanoseconds {
                counters.idleTimeouts += 1
                close(connection, .clientClosed)
            }
        }
    }

    /// Stops accepting, closes idle keep-alive connections, lets the others finish the requests
    /// they carry (their last response says `Connection: close`); when only streams are left, or at
    /// the deadline, ends everything and resumes the caller. Called once (`HTTPServer.shutdown`).
    func beginDrain(within gracePeriod: Duration, _ continuation: CheckedContinuation<Void, Never>) {
        now = EventLoop.now()
        drain = Drain(deadline: now + gracePeriod.nanoseconds, done: continuation)
        for listener in listeners { listener.close() }
        listeners = []
        for connection in openConnectionList where connection.stream == nil && connection.phase == .open {
            if connection.isIdle {
                close(connection, .serverStopping)
            } else if connection.responsesDue > 0 {
                connection.closeAfterLastDue()
            } else if !connection.output.isEmpty {
                connection.closeAfterWrite = true
            }
            // else a request is still arriving: it is taken, and answered with `Connection: close`.
        }
        checkDrainProgress()
    }

    func checkDrainProgress() {
        guard let drain, !drain.finishing else { return }
        let busy = openConnections - counters.eventStreamsOpen
        guard busy == 0 || now >= drain.deadline else { return }
        self.drain?.finishing = true
        for connection in openConnectionList {
            if connection.stream != nil { flush(connection) }  // queued events go first, if the socket takes them
            close(connection, .serverStopping)
        }
        drain.done.resume()
    }
}
