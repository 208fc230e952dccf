print("mpp-catalog: not built yet")
