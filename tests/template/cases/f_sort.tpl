{{ [3, 1, 2]|sort }} {{ ['b', 'A', 'c', 'a']|sort }} {{ [2.5, 1, 10]|sort }} {{ 'cab'|sort }}
{{ results.results|map(attribute='plugin')|sort|list }}
