{{ ['nbsp:\xa0', 'zwsp:\u200b', 'ls:\u2028', 'shy:\xad', 'del:\x7f', 'nel:\x85', 'é', '😀', 'bom:\ufeff', 'e\u0301', 'ideo:\u3000'] }}
{{ {"it's": 'both \' "', 'k\n': '\\'} }}
{{ ('tab\t', '\x00', '\x1b[0m') }}
