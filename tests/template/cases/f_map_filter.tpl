{{ results.results|map(attribute='plugin')|map('upper')|list }}
{{ ['3', '1', 'x']|map('int')|list }} {{ [1.26, 2.5]|map('round', 1)|list }} {{ ['a', 'b']|map('replace', 'a', 'A')|list }}
{{ [[1, 2], [3]]|map('length')|list }} {{ [[1, 2], [3]]|map('first')|list }} {{ ['x', 'y']|map('default', 'z')|list }}
