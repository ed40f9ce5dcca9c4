{{ results.plugins|default({})|pprint }}
{{ [1, 'a', none]|pprint }} {{ 'str'|pprint }} {{ {'b': 1, 'a': 2}|pprint }}
