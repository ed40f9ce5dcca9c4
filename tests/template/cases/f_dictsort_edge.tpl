{{ {'b': 2, 'a': 1, 'C': 0}|dictsort }} {{ {'b': 2, 'a': 1, 'C': 0}|dictsort(true) }} {{ {'x': 'B', 'y': 'a'}|dictsort(by='value') }} {{ {}|dictsort }}
