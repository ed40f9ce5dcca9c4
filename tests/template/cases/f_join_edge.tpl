{{ [1, none, true, 2.5, 'x', [1]]|join('|') }} {{ ['a']|join }} {{ ['<a>'|e, '<b>']|join(' ') }} {{ results.results|join(',', attribute='uuid.0')|length }} {{ {'k': 1, 'j': 2}|join('+') }}
