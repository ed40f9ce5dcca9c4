[{{ 'stoq'|center(10) }}] [{{ 'stoq'|center(11) }}] [{{ 'stoq'|center(2) }}] [{{ 'été'|center(9) }}] [{{ 'x'|center }}]
