[{{ []|first }}] [{{ []|last }}] {{ {'x': 1, 'y': 2}|first }} {{ 'é😀'|last }} [{{ ''|first }}] {{ (1, 2)|last }}
