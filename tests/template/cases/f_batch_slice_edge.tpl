{{ []|batch(3)|list }} {{ [1, 2, 3]|batch(1)|list }} {{ [1, 2, 3]|batch(5, 0)|list }} {{ [1, 2, 3]|slice(5)|list }} {{ [1, 2, 3, 4]|slice(3, 'x')|list }} {{ 'abcde'|batch(2)|list }}
