import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a password, never from the command line: from a prompt with echo off when standard
/// input is a terminal, else the first line of standard input (scripts:
/// `printf '%s\n' "$PASSWORD" | mpp login 3273011501900001`), or standard input explicitly with
/// `--password-stdin`.
enum IdentityPassword {
    static func read(_ arguments: Arguments, prompt: String, confirm: Bool) throws -> String {
        let fromStdin = arguments.flag("password-stdin") || arguments.option("password-stdin") != nil
        if fromStdin || isatty(STDIN_FILENO) == 0 {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw UsageError("no password on standard input")
            }
            return line
        }
        let password = try hidden(prompt)
        if confirm, try hidden("Ulangi (repeat): ") != password {
            throw UsageError("the two passwords differ")
        }
        return password
    }

    /// Prompts on standard error and reads one line with terminal echo off.
    private static func hidden(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let restorable = tcgetattr(STDIN_FILENO, &saved) == 0
        if restorable {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if restorable { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw UsageError("no password given") }
        return line
    }
}
