// ServiceKit module
