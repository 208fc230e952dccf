print("mpp-identity: not built yet")
