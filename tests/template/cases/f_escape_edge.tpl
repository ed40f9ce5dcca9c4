{{ '&amp;'|e }} {{ ('<a>'|e)|e }} {{ '<a>'|e|replace('&', '+') }} {{ ('<a>'|e) + '<b>' }} {{ '%s'|format('<x>'|e) }} {{ ('<b>'|e)|striptags }}
{{ ['<a>']|join('|')|e }} {{ (['<a>'|e, '<b>']|join('&')) }} {{ ('x'|e) is string }} {{ '<'|e|length }}
