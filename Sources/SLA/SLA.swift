// SLA module
