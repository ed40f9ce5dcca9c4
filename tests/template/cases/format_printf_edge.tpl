{{ '%s|%s|%s|%s'|format(1.0, none, true, [1.5]) }} {{ '%d|%i'|format(3.9, -2.5) }} {{ '%.1f|%.2f|%.0f|%.0f'|format(0.05, 1.005, 0.5, 2.5) }}
{{ '%+d|% d|%#x|%#o|%o|%X'|format(5, 5, 255, 8, 8, 255) }} {{ '%10.4f|%-10.2e|%G'|format(3.14159, 12345.678, 1e-10) }} {{ '%5s|%-5s|%.2s'|format('ab', 'ab', 'abcdef') }}
{{ '%c%c'|format(65, 'z') }} {{ '%%d'|format() }} {{ '%s'|format('é😀') }} {{ '%r'|format('it\'s') }} {{ '%a'|format('é') }}
