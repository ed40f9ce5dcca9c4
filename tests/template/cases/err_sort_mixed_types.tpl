{{ [1, 'a', none]|sort }}
