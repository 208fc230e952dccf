import Foundation

// Not built yet: exits with EX_CONFIG (78), which `mpp up` and systemd treat as "do not restart".
FileHandle.standardError.write(Data("mpp-notifications: not built yet\n".utf8))
exit(78)
