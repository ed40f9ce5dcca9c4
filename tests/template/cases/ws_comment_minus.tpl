a   {#- trimmed comment -#}   b
c
    {#- comment eats the newline and indent before it #}
d
