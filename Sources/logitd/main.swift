print("logitd: not built yet")
