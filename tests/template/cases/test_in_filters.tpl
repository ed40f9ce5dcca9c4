{{ [1, 2, 3, 4, 5]|select('odd')|list }} {{ [1, 2, 3, 4, 5]|reject('even')|list }}
{{ [0, 1, '', 'x', none, [], [0]]|select|list }} {{ [1, 2, 3, 6, 9]|select('divisibleby', 3)|list }}
{{ ['a', 'B', 'c']|select('upper')|list }} {{ ['a', none, 'b']|reject('none')|list }}
