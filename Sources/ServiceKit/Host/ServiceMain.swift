import Foundation
import Support

/// The body of every service executable: build and start the service, wait for SIGTERM/SIGINT
/// (or the death of the `mpp up` supervisor), shut down gracefully, exit 0. A configuration
/// error exits 78 (EX_CONFIG: restarting will not help), any other startup failure 1.
public enum ServiceMain {
    public static func run(_ executable: String, _ start: @Sendable (Environment) async throws -> ServiceHost) async -> Never {
        signal(SIGPIPE, SIG_IGN)  // a peer that hangs up is an error to handle, not a reason to die
        ShutdownSignal.listen()   // a stop request during a slow start is kept, not fatal
        do {
            let host = try await start(Environment())
            let signal = await ShutdownSignal.waitOrOrphaned()
            host.logger.info("shutting down", ["signal": .string(signal)])
            await host.shutdown()
            exit(0)
        } catch let error as ConfigurationProblems {
            FileHandle.standardError.write(Data("\(executable): \(error)\n".utf8))
            exit(78)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(executable): configuration: \(error)\n".utf8))
            exit(78)
        } catch let error as KeyRingError {
            FileHandle.standardError.write(Data("\(executable): keys: \(error)\n".utf8))
            exit(78)
        } catch {
            FileHandle.standardError.write(Data("\(executable): \(error)\n".utf8))
            exit(1)
        }
    }
}
