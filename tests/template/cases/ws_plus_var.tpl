a
    {{ 'var not stripped' }}
    {%+ if true +%}
    both plus
    {%+ endif +%}
b
