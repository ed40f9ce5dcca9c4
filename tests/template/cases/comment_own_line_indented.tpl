line 1
    {# indented comment on its own line #}
line 2
{# comment at line start #}
line 3
text {# comment after text #}
line 4
