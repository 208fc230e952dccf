import Foundation
import NotifyWorker

// mpp-notify-worker: claims delivery jobs from the notifications service and delivers them
// (webhook, sendmail, log). Run as many as needed; configuration in services/notify-worker/README.md.
exit(await WorkerMain.run("mpp-notify-worker"))
