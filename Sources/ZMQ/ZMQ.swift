// ZMQ module
