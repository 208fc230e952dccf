// MPPCommand module
