"""Wire facts a client and its sandbox must agree on, one module per provider, defined once.

Paths, audiences, header names, versions: if the client and the emulator each kept their own
copy, a typo on one side would make the sandbox agree with kit instead of with the provider.
"""
