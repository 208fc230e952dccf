// Notifications module
