import Foundation
import MPPCommand

// mpp: the MPP Digital command line for ops, citizens and officers.
exit(await MPP.main(Array(CommandLine.arguments.dropFirst())))
