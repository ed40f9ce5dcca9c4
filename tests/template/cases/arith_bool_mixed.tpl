{{ true + true }} {{ true * 3 }} {{ 'ab' * true }} {{ false - 1 }} {{ 1.5 + true }} {{ true / 2 }} {{ [1] == [true] }} {{ 1 in {'a': 1} }} {{ 'a' in {'a': 1} }}
