{{ '/path with space/?q=1&r=é'|urlencode }} {{ {'k': 'a/b', 'e': 'é', 'n': 3, 'b': true}|urlencode }} {{ [('x', 1), ('y', 'a b')]|urlencode }} {{ 42|urlencode }} {{ '~-._'|urlencode }}
