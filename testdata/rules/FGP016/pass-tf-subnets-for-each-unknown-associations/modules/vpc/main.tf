variable "public_subnets" {
  type = list(string)
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

# The VPC's main route table, managed here, without a route to the internet.
resource "aws_default_route_table" "main" {
  default_route_table_id = aws_vpc.main.default_route_table_id
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_subnet" "public" {
  for_each   = { for idx, cidr in var.public_subnets : idx => cidr }
  vpc_id     = aws_vpc.main.id
  cidr_block = each.value
}

resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "task" {
  vpc_id = aws_vpc.main.id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

output "public_subnet_ids" {
  value = [for s in aws_subnet.public : s.id]
}

output "task_security_group_id" {
  value = aws_security_group.task.id
}
