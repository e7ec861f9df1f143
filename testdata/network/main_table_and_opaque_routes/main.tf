# Subnets on their VPC's main route table, and route tables whose routes lead where the
# configuration does not show (peering, VPN).

resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.0.1.0/24"
}

# VPC b: its main route table gets a default route to the internet gateway.
resource "aws_vpc" "b" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_internet_gateway" "b" {
  vpc_id = aws_vpc.b.id
}

resource "aws_route" "b_main_default" {
  route_table_id         = aws_vpc.b.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.b.id
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.b.id
  cidr_block = "10.1.1.0/24"
}

# VPC c: a private route table with a route to a peered VPC (and nothing else).
resource "aws_vpc" "c" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_vpc_peering_connection" "hub" {
  vpc_id      = aws_vpc.c.id
  peer_vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_route_table" "peered" {
  vpc_id = aws_vpc.c.id

  route {
    cidr_block                = "10.100.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.hub.id
  }
}

resource "aws_subnet" "peered" {
  vpc_id     = aws_vpc.c.id
  cidr_block = "10.2.1.0/24"
}

resource "aws_route_table_association" "peered" {
  subnet_id      = aws_subnet.peered.id
  route_table_id = aws_route_table.peered.id
}

# VPN routes propagated into two route tables, in both forms.
resource "aws_vpn_gateway" "vpn" {
  vpc_id = aws_vpc.c.id
}

resource "aws_route_table" "vpn_inline" {
  vpc_id           = aws_vpc.c.id
  propagating_vgws = [aws_vpn_gateway.vpn.id]
}

resource "aws_subnet" "vpn_inline" {
  vpc_id     = aws_vpc.c.id
  cidr_block = "10.2.2.0/24"
}

resource "aws_route_table_association" "vpn_inline" {
  subnet_id      = aws_subnet.vpn_inline.id
  route_table_id = aws_route_table.vpn_inline.id
}

resource "aws_route_table" "vpn_propagated" {
  vpc_id = aws_vpc.c.id
}

resource "aws_vpn_gateway_route_propagation" "vpn" {
  vpn_gateway_id = aws_vpn_gateway.vpn.id
  route_table_id = aws_route_table.vpn_propagated.id
}

resource "aws_subnet" "vpn_propagated" {
  vpc_id     = aws_vpc.c.id
  cidr_block = "10.2.3.0/24"
}

resource "aws_route_table_association" "vpn_propagated" {
  subnet_id      = aws_subnet.vpn_propagated.id
  route_table_id = aws_route_table.vpn_propagated.id
}

# A default route to the virtual private gateway.
resource "aws_route_table" "vgw_default" {
  vpc_id = aws_vpc.c.id
}

resource "aws_route" "vgw_default" {
  route_table_id         = aws_route_table.vgw_default.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_vpn_gateway.vpn.id
}

resource "aws_subnet" "vgw_default" {
  vpc_id     = aws_vpc.c.id
  cidr_block = "10.2.4.0/24"
}

resource "aws_route_table_association" "vgw_default" {
  subnet_id      = aws_subnet.vgw_default.id
  route_table_id = aws_route_table.vgw_default.id
}

resource "aws_ecs_service" "main_table" {
  name            = "main-table"
  task_definition = "app:1"
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.a.id]
  }
}

resource "aws_ecs_service" "main_table_igw" {
  name            = "main-table-igw"
  task_definition = "app:1"
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.b.id]
  }
}

resource "aws_ecs_service" "peered" {
  name            = "peered"
  task_definition = "app:1"
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.peered.id]
  }
}

resource "aws_ecs_service" "vpn_inline" {
  name            = "vpn-inline"
  task_definition = "app:1"
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.vpn_inline.id]
  }
}

resource "aws_ecs_service" "vpn_propagated" {
  name            = "vpn-propagated"
  task_definition = "app:1"
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.vpn_propagated.id]
  }
}

resource "aws_ecs_service" "vgw_default" {
  name            = "vgw-default"
  task_definition = "app:1"
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.vgw_default.id]
  }
}
