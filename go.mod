module kaohe

go 1.26.8
