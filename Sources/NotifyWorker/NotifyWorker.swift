// NotifyWorker module
