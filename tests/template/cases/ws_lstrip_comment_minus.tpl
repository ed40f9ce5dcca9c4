a
   {#- comment -#}   
b
  {# plain #}
c
	{#+ keep #}
d
