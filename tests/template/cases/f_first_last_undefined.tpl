[{{ nothing|last }}] [{{ results.nothing|first }}] [{{ (results.results|first).nothing|last if results.results else '' }}]
